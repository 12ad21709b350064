/// <reference path="../pb_data/types.d.ts" />

routerAdd("GET", "/hello/{name}", (e) => {
  const { greet } = require(`${__hooks}/greetings.js`)
  return e.json(200, { message: greet(e.request.pathValue("name")) })
})

routerAdd("GET", "/api/posts/count", (e) => {
  return e.json(200, { total: $app.countRecords("posts") })
})

routerAdd("POST", "/api/echo", (e) => {
  const data = new DynamicModel({ text: "" })
  e.bindBody(data)
  return e.json(200, { text: data.text, upper: data.text.toUpperCase() })
})

routerAdd("GET", "/api/me", (e) => {
  return e.json(200, { email: e.auth.email() })
}, $apis.requireAuth())

routerAdd("GET", "/api/admin-only", (e) => e.string(200, "ok"), $apis.requireSuperuserAuth())

routerAdd("GET", "/api/boom", (e) => {
  throw new BadRequestError("custom failure")
})

routerAdd("GET", "/api/crash", (e) => {
  const missing = null
  return missing.property
})

routerAdd("GET", "/api/post/{slug}", (e) => {
  const record = $app.findFirstRecordByFilter("posts", "slug = {:slug}", { slug: e.request.pathValue("slug") })
  return e.json(200, { title: record.get("title"), views: record.getInt("views") })
})

routerAdd("GET", "/api/page", (e) => {
  const html = $template.loadString("<h1>{{.title}}</h1>").render({ title: "<b>hi</b>" })
  return e.html(200, html)
})

routerAdd("GET", "/api/hash", (e) => e.json(200, { sha256: $security.sha256("abc"), md5: $security.md5("abc") }))

onRecordCreateRequest((e) => {
  const title = e.record.get("title").trim()
  if (title === "forbidden") {
    throw new ForbiddenError("Posts titled forbidden are not allowed.")
  }
  e.record.set("title", title + "!")
  e.record.set("slug", title.toLowerCase().replace(/\s+/g, "-"))
  return e.next()
}, "posts")

onRecordAfterCreateSuccess((e) => {
  const views = e.record.getInt("views")
  if (views === 0) {
    $app.db().newQuery("UPDATE posts SET views = 1 WHERE id = {:id}").bind({ id: e.record.id }).execute()
  }
  e.next()
}, "posts")

routerAdd("POST", "/api/broadcast", (e) => {
  const message = new SubscriptionMessage({ name: "news", data: JSON.stringify({ text: "hello subscribers" }) })
  const clients = $app.subscriptionsBroker().clients()
  let sent = 0
  for (const id in clients) {
    if (clients[id].hasSubscription("news")) {
      clients[id].send(message)
      sent++
    }
  }
  return e.json(200, { sent })
})

onRecordCreate((e) => {
  if (e.record.getString("title") === "explode!") {
    throw new Error("the model hook failed")
  }
  e.next()
}, "posts")

onRecordValidate((e) => {
  if (e.record.getString("title") === "invalid!") {
    throw new BadRequestError("Invalid title.")
  }
  e.next()
}, "posts")

// A custom login: the same answer as auth-with-password, through the same onRecordAuthRequest hooks.
routerAdd("POST", "/api/login-by-email", (e) => {
  const body = e.requestInfo().body
  const user = $app.findAuthRecordByEmail("users", body.email)
  if (!user.validatePassword(body.password)) {
    throw new BadRequestError("Invalid credentials.")
  }
  return $apis.recordAuthResponse(e, user, "password")
})

routerAdd("GET", "/api/silent", (e) => {})

routerAdd("GET", "/go-home", (e) => e.redirect(307, "/"))

routerAdd("DELETE", "/api/nothing", (e) => e.noContent(204))

routerAdd("GET", "/api/bad-data", (e) => {
  throw new BadRequestError("Bad data.", { title: new ValidationError("invalid_title", "Nope."), nested: { inner: new ValidationError("x", "Inner.") } })
})

// A webhook reads its raw body (to check a signature, say).
routerAdd("POST", "/api/webhook", (e) => {
  const raw = toString(e.request.body)
  return e.json(200, { length: raw.length, signature: $security.hs256(raw, "webhook-secret") })
})

routerAdd("GET", "/views/hello/{name}", (e) => {
  const html = $template.loadFiles(`${__hooks}/views/layout.html`, `${__hooks}/views/hello.html`).render({
    name: e.request.pathValue("name"),
    items: ["one", "<two>"],
  })
  return e.html(200, html)
})
