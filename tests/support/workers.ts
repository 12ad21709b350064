/**
 * @module
 * The check both ways of joining `serve --workers=2` share (unix socket hub, Redis): one port,
 * SDK clients spread over both processes by the kernel, every client gets every event in order.
 */
import { expect } from "bun:test"
import PocketBase from "pocketbase"
import { waitFor } from "./realtime.ts"
import { superuserClient, type ServerProcess } from "./processes.ts"

/** Asserts that the two workers behind `server` both serve clients and both deliver every event. */
export async function expectWorkersShareEvents(server: ServerProcess, admin: { email: string; password: string }): Promise<void> {
  const pb = await superuserClient(server.url, admin.email, admin.password)
  await waitFor(async () => (await pb.send("/api/realtime/stats", {})).nodes.length === 2, 10_000, "two worker processes to report in")
  await pb.collections.create({ name: "notes", listRule: "", fields: [{ name: "text", type: "text" }] })
  // Many connections through one port land on both workers (the kernel spreads them).
  const clients = Array.from({ length: 12 }, () => new PocketBase(server.url))
  const received = clients.map(() => [] as string[])
  await Promise.all(clients.map((client, i) => client.collection("notes").subscribe("*", (e) => void received[i]!.push(e.record.text))))
  expect((await pb.send("/api/realtime/stats", {})).total.clients).toBe(12)
  const listed = await pb.send("/api/realtime/clients", {})
  expect(new Set(listed.items.map((c: { node: string }) => c.node)).size).toBe(2)
  for (let i = 0; i < 4; i++) await pb.collection("notes").create({ text: `n${i}` })
  await waitFor(() => received.every((r) => r.length === 4), 10_000, "every client to get all 4 notes")
  for (const r of received) expect(r).toEqual(["n0", "n1", "n2", "n3"])
  for (const client of clients) await client.realtime.unsubscribe()
}
