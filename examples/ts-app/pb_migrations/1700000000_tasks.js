/// <reference path="../pb_data/types.d.ts" />
migrate((app) => {
  app.save(new Collection({
    name: "tasks",
    listRule: "@request.auth.id != ''",
    viewRule: "@request.auth.id != ''",
    createRule: "@request.auth.id != ''",
    fields: [
      new TextField({ name: "title", required: true }),
      new BoolField({ name: "done" }),
      new TextField({ name: "owner" }),
    ],
  }))
}, (app) => {
  app.delete(app.findCollectionByNameOrId("tasks"))
})
