// Placeholder: the CallbackDaemon module is being built.
