/// <reference path="../pb_data/types.d.ts" />
migrate((app) => {
  const posts = new Collection({
    type: "base",
    name: "posts",
    listRule: "",
    viewRule: "",
    createRule: "",
    fields: [
      { name: "title", type: "text", required: true, max: 100 },
      { name: "slug", type: "text" },
      { name: "views", type: "number" },
    ],
    indexes: ["CREATE UNIQUE INDEX idx_posts_slug ON posts (slug)"],
  })
  app.save(posts)

  const record = new Record(posts, { title: "Hello", slug: "hello", views: 1 })
  app.save(record)

  app.db().newQuery("UPDATE posts SET views = 5 WHERE slug = {:slug}").bind({ slug: "hello" }).execute()
}, (app) => {
  app.delete(app.findCollectionByNameOrId("posts"))
})
