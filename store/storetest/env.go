package storetest

import "os"

func lookupEnv() string { return os.Getenv(EnvVar) }
