/**
 * @module
 * Superuser sign-in: email and password, then a one-time code when the server asks for a
 * second factor (a 401 carrying an `mfaId`).
 */
import { useState } from "preact/hooks"
import { errorMessage, fieldErrors, pb, type FieldErrors } from "../api.ts"
import { Input, Notice } from "../components/form.tsx"

const superusers = () => pb.collection("_superusers")

interface SecondFactor {
  mfaId: string
  otpId: string
}

export function Login() {
  const [email, setEmail] = useState("")
  const [password, setPassword] = useState("")
  const [code, setCode] = useState("")
  const [factor, setFactor] = useState<SecondFactor | null>(null)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [failure, setFailure] = useState("")
  const [busy, setBusy] = useState(false)

  async function attempt(action: () => Promise<unknown>) {
    setBusy(true)
    setFailure("")
    setErrors({})
    try {
      await action()
    } catch (error) {
      const mfaId = (error as { response?: { mfaId?: string } }).response?.mfaId
      if (mfaId && !factor) {
        const { otpId } = await superusers().requestOTP(email).catch(() => ({ otpId: "" }))
        setFactor({ mfaId, otpId })
      } else {
        setErrors(fieldErrors(error))
        setFailure(errorMessage(error))
      }
    } finally {
      setBusy(false)
    }
  }

  const submit = (event: Event) => {
    event.preventDefault()
    void attempt(() =>
      factor ? superusers().authWithOTP(factor.otpId, code, { mfaId: factor.mfaId }) : superusers().authWithPassword(email, password),
    )
  }

  return (
    <main class="centered">
      <form class="card narrow" onSubmit={submit} aria-labelledby="login-title">
        <p class="brand-line">pocketbun dashboard</p>
        <h1 id="login-title">Superuser sign-in</h1>
        {failure && <Notice kind="error">{failure}</Notice>}
        {factor ? (
          <>
            <p>A one-time code was sent to {email}. Enter it to finish signing in.</p>
            <Input label="One-time code" value={code} onValue={setCode} error={errors.password} autocomplete="one-time-code" required />
          </>
        ) : (
          <>
            <Input label="Email" type="email" value={email} onValue={setEmail} error={errors.identity} autocomplete="username" required autofocus />
            <Input label="Password" type="password" value={password} onValue={setPassword} error={errors.password} autocomplete="current-password" required />
          </>
        )}
        <button type="submit" disabled={busy}>{busy ? "Signing in…" : factor ? "Verify code" : "Sign in"}</button>
        {factor && <button type="button" class="link" onClick={() => setFactor(null)}>Start over</button>}
      </form>
    </main>
  )
}
