print("mpesa-callbackd")
