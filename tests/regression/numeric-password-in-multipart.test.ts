/**
 * A multipart body infers `12345678` as a number; the password then counted as missing and the
 * SDK's signup with an avatar failed. Auth form fields are text. Runs on both servers.
 */
import { describe, expect, it } from "bun:test"
import { conformanceTargets, type TestServer } from "../support/servers.ts"
import { useServer } from "../support/lifecycle.ts"

const SVG = '<svg xmlns="http://www.w3.org/2000/svg"></svg>'

for (const target of conformanceTargets()) {
  describe(`numeric password in a multipart signup (${target.name})`, () => {
    const server = useServer<TestServer>(target.start)

    it("creates the user and lets them log in", async () => {
      const avatar = new File([SVG], "face.svg", { type: "image/svg+xml" })
      const user = await server().client().collection("users").create({ email: "digits@example.com", password: "12345678", passwordConfirm: "12345678", avatar })
      expect(user.avatar).toMatch(/^face_\w{10}\.svg$/)
      const login = await server().client().collection("users").authWithPassword("digits@example.com", "12345678")
      expect(login.record.id).toBe(user.id)
    })
  })
}
