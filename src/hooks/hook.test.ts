import { describe, expect, it } from "bun:test"
import { AsyncHandlerError, Hook, HookEvent, SyncHook, type Tagged } from "./hook.ts"

class Probe extends HookEvent<void> implements Tagged {
  seen: string[] = []
  constructor(readonly tagList: string[] = []) {
    super()
  }
  tags(): string[] {
    return this.tagList
  }
}

class AsyncProbe extends HookEvent<Promise<void> | void> {
  seen: string[] = []
}

const recorder = (name: string) => (e: Probe) => {
  e.seen.push(name)
  e.next()
}

describe("hook chain", () => {
  it("runs handlers in binding order and then the action", () => {
    const hook = new SyncHook<Probe>("test")
    hook.bindFunc(recorder("a"))
    hook.bindFunc(recorder("b"))
    const e = new Probe()
    hook.trigger(e, (ev) => void ev.seen.push("action"))
    expect(e.seen).toEqual(["a", "b", "action"])
  })

  it("orders by priority, lower first, keeping binding order among equals", () => {
    const hook = new SyncHook<Probe>("test")
    hook.bind({ func: recorder("late"), priority: 10 })
    hook.bindFunc(recorder("first0"))
    hook.bind({ func: recorder("early"), priority: -5 })
    hook.bindFunc(recorder("second0"))
    const e = new Probe()
    hook.trigger(e)
    expect(e.seen).toEqual(["early", "first0", "second0", "late"])
  })

  it("runs code after next() once the rest of the chain finished", () => {
    const hook = new SyncHook<Probe>("test")
    hook.bindFunc((e) => {
      e.seen.push("a:before")
      e.next()
      e.seen.push("a:after")
    })
    hook.bindFunc(recorder("b"))
    const e = new Probe()
    hook.trigger(e, (ev) => void ev.seen.push("action"))
    expect(e.seen).toEqual(["a:before", "b", "action", "a:after"])
  })

  it("stops the chain, action included, when a handler does not call next()", () => {
    const hook = new SyncHook<Probe>("test")
    hook.bindFunc((e) => void e.seen.push("stopper"))
    hook.bindFunc(recorder("never"))
    const e = new Probe()
    hook.trigger(e, (ev) => void ev.seen.push("action"))
    expect(e.seen).toEqual(["stopper"])
  })

  it("lets a handler change the event the action sees", () => {
    const hook = new SyncHook<Probe>("test")
    hook.bindFunc((e) => {
      e.seen = ["replaced"]
      e.next()
    })
    const e = new Probe()
    let seenByAction: string[] = []
    hook.trigger(e, (ev) => void (seenByAction = ev.seen))
    expect(seenByAction).toEqual(["replaced"])
  })

  it("propagates a handler's error to the trigger and skips the rest", () => {
    const hook = new SyncHook<Probe>("test")
    hook.bindFunc(() => {
      throw new Error("refused")
    })
    hook.bindFunc(recorder("never"))
    const e = new Probe()
    expect(() => hook.trigger(e, (ev) => void ev.seen.push("action"))).toThrow("refused")
    expect(e.seen).toEqual([])
  })

  it("lets a handler catch the error of the rest of the chain", () => {
    const hook = new SyncHook<Probe>("test")
    hook.bindFunc((e) => {
      try {
        e.next()
      } catch {
        e.seen.push("caught")
      }
    })
    const e = new Probe()
    hook.trigger(e, () => {
      throw new Error("action failed")
    })
    expect(e.seen).toEqual(["caught"])
  })
})

describe("handler ids", () => {
  it("removes handlers by id and replaces a handler bound again under its id", () => {
    const hook = new SyncHook<Probe>("test")
    const a = hook.bindFunc(recorder("a"))
    hook.bind({ id: "b", func: recorder("b") })
    hook.bind({ id: "b", func: recorder("b2") })
    expect(hook.length).toBe(2)
    hook.unbind(a)
    const e = new Probe()
    hook.trigger(e)
    expect(e.seen).toEqual(["b2"])
    hook.unbindAll()
    expect(hook.length).toBe(0)
  })

  it("gives each handler a distinct generated id", () => {
    const hook = new SyncHook<Probe>("test")
    const ids = new Set(Array.from({ length: 50 }, () => hook.bindFunc(recorder("x"))))
    expect(ids.size).toBe(50)
  })

  it("keeps a running chain unaffected by handlers bound during it", () => {
    const hook = new SyncHook<Probe>("test")
    hook.bindFunc((e) => {
      hook.bindFunc(recorder("added"))
      e.next()
    })
    const e = new Probe()
    hook.trigger(e)
    expect(e.seen).toEqual([])
  })
})

describe("tags", () => {
  it("reaches tagged handlers only for events carrying one of their tags", () => {
    const hook = new SyncHook<Probe>("test")
    hook.bindFunc(recorder("posts"), "posts")
    hook.bindFunc(recorder("any"))
    hook.bindFunc(recorder("users-or-id"), "users", "pbc_1")
    const posts = new Probe(["pbc_9", "posts"])
    hook.trigger(posts, (ev) => void ev.seen.push("action"))
    expect(posts.seen).toEqual(["posts", "any", "action"])
    const users = new Probe(["pbc_1", "users"])
    hook.trigger(users, (ev) => void ev.seen.push("action"))
    expect(users.seen).toEqual(["any", "users-or-id", "action"])
  })
})

describe("sync and async hooks", () => {
  it("rejects a promise from a sync hook handler", () => {
    const hook = new SyncHook<Probe>("onRecordCreate")
    hook.bindFunc((async (e: Probe) => e.next()) as unknown as (e: Probe) => void)
    expect(() => hook.trigger(new Probe())).toThrow(AsyncHandlerError)
  })

  it("awaits async handlers in order around the action", async () => {
    const hook = new Hook<AsyncProbe>("test")
    hook.bindFunc(async (e) => {
      e.seen.push("a:before")
      await Bun.sleep(1)
      await e.next()
      e.seen.push("a:after")
    })
    hook.bindFunc((e) => {
      e.seen.push("b")
      return e.next()
    })
    const e = new AsyncProbe()
    await hook.trigger(e, async (ev) => {
      await Bun.sleep(1)
      ev.seen.push("action")
    })
    expect(e.seen).toEqual(["a:before", "b", "action", "a:after"])
  })

  it("stays synchronous when no handler awaits", () => {
    const hook = new Hook<AsyncProbe>("test")
    hook.bindFunc((e) => e.next())
    const e = new AsyncProbe()
    const result = hook.trigger(e, (ev) => void ev.seen.push("action"))
    expect(result).toBeUndefined()
    expect(e.seen).toEqual(["action"])
  })

  it("rejects with an async handler's error", async () => {
    const hook = new Hook<AsyncProbe>("test")
    hook.bindFunc(async () => {
      await Bun.sleep(1)
      throw new Error("async refusal")
    })
    let ran = false
    await expect(hook.trigger(new AsyncProbe(), () => void (ran = true)) as Promise<void>).rejects.toThrow("async refusal")
    expect(ran).toBe(false)
  })
})
