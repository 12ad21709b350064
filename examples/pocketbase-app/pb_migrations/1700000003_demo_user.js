/// <reference path="../pb_data/types.d.ts" />
migrate((app) => {
  const users = app.findCollectionByNameOrId("users")
  const user = new Record(users)
  user.set("email", "demo@example.com")
  user.set("name", "Demo")
  user.set("verified", true)
  user.setPassword("demo-password-1")
  app.save(user)
}, (app) => {
  app.delete(app.findAuthRecordByEmail("users", "demo@example.com"))
})
