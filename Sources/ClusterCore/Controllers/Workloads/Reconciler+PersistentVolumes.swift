import NIOPosix
import StructuredData
#if canImport(Glibc)
    import Glibc
#endif

/// Runs the ``PersistentVolumeBinder`` and does its file work: provisioned volume directories are
/// made before their PersistentVolumes are created, and removed after a Delete reclaim.
extension Reconciler {
    func persistentVolumes(_ view: WorkloadView) async -> [WorkloadAction] {
        let root = handler.config.volumesDirectory
        let plan = PersistentVolumeBinder.reconcile(view, volumesRoot: root)
        let make = plan.makeDirectories
        let remove = plan.removeDirectories
        guard !make.isEmpty || !remove.isEmpty else { return plan.actions }
        let made = (try? await RuntimeThreads.pool.runIfActive { () -> Set<String> in
            var ok = Set<String>()
            for dir in make {
                // World-writable, as local-path-provisioner makes them, so any container user may write.
                if (try? FileIO.makeDirectories(dir, mode: 0o777)) != nil {
                    chmod(dir, 0o777)
                    ok.insert(dir)
                }
            }
            for dir in remove { VolumeFiles.remove(dir) }
            return ok
        }) ?? []
        // A volume whose directory could not be made is not created (the next pass retries).
        return plan.actions.filter { action in
            guard case .create(_, "persistentvolumes", _, let pv) = action,
                  let path = pv["spec"]?["hostPath"]?["path"]?.stringValue
            else { return true }
            return made.contains(path)
        }
    }
}
