/// <reference path="../pb_data/types.d.ts" />
// The hooks file both servers run in the hooks benchmark (copied into their pb_hooks).

routerAdd("GET", "/api/bench/hello/{name}", (e) => {
  return e.json(200, { message: "Hello " + e.request.pathValue("name"), n: $security.randomString(4).length })
})

onRecordCreateRequest((e) => {
  e.record.set("title", e.record.getString("title").trim().toUpperCase())
  return e.next()
}, "posts")
