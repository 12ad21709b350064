console.log("sample app")
