/// <reference path="../pb_data/types.d.ts" />
migrate((app) => {
  const posts = app.findCollectionByNameOrId("posts")
  posts.fields.add(new BoolField({ name: "published" }))
  posts.updateRule = "@request.auth.id != ''"
  app.save(posts)
}, (app) => {
  const posts = app.findCollectionByNameOrId("posts")
  posts.fields.removeByName("published")
  posts.updateRule = null
  app.save(posts)
})
