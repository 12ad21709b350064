/// <reference path="../pb_data/types.d.ts" />
migrate((app) => {
  const settings = app.settings()
  settings.meta.appName = "Sample app"
  settings.batch.enabled = true
  settings.batch.maxRequests = 10
  app.save(settings)
})
