print("mpesa-stk")
