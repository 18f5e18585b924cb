print("daraja-sim")
