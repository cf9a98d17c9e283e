import ArgumentParser

ErrorReporting.run(HelmCtl.self)
