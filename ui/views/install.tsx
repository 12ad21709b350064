/**
 * @module
 * First run: the link `serve` prints opens this form, which creates the first superuser and
 * signs in with it.
 */
import { useEffect, useState } from "preact/hooks"
import { errorMessage, fieldErrors, pb, type FieldErrors } from "../api.ts"
import { Input, Notice } from "../components/form.tsx"
import { navigate } from "../router.ts"

export function Install({ token }: { token: string }) {
  const [valid, setValid] = useState<boolean | null>(null)
  const [email, setEmail] = useState("")
  const [password, setPassword] = useState("")
  const [passwordConfirm, setPasswordConfirm] = useState("")
  const [errors, setErrors] = useState<FieldErrors>({})
  const [failure, setFailure] = useState("")

  useEffect(() => {
    pb.send<{ valid: boolean }>(`/api/dashboard/install/${encodeURIComponent(token)}`, {}).then((r) => setValid(r.valid), () => setValid(false))
  }, [token])

  async function submit(event: Event) {
    event.preventDefault()
    setErrors({})
    setFailure("")
    try {
      await pb.send("/api/dashboard/install", { method: "POST", body: { token, email, password, passwordConfirm } })
      await pb.collection("_superusers").authWithPassword(email, password)
      navigate("collections")
    } catch (error) {
      setErrors(fieldErrors(error))
      setFailure(errorMessage(error))
    }
  }

  if (valid === null) return <main class="centered"><p>Checking the link…</p></main>
  if (!valid) {
    return (
      <main class="centered">
        <div class="card narrow">
          <h1>Link no longer valid</h1>
          <p>This setup link has expired or a superuser already exists. <a href="#/login">Sign in</a> instead, or restart the server for a fresh link.</p>
        </div>
      </main>
    )
  }
  return (
    <main class="centered">
      <form class="card narrow" onSubmit={submit} aria-labelledby="install-title">
        <p class="brand-line">pocketbun dashboard</p>
        <h1 id="install-title">Create the first superuser</h1>
        <p>This account manages everything on this server.</p>
        {failure && <Notice kind="error">{failure}</Notice>}
        <Input label="Email" type="email" value={email} onValue={setEmail} error={errors.email} autocomplete="username" required autofocus />
        <Input label="Password" type="password" value={password} onValue={setPassword} error={errors.password} autocomplete="new-password" hint="At least 8 characters." required />
        <Input label="Confirm password" type="password" value={passwordConfirm} onValue={setPasswordConfirm} error={errors.passwordConfirm} autocomplete="new-password" required />
        <button type="submit">Create and sign in</button>
      </form>
    </main>
  )
}
