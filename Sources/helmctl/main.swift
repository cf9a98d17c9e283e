import ArgumentParser

HelmCtl.main()
