import ClusterStore

/// The kill -9 experiment's writer: `tasks` concurrent writers create `perTask` keys each; a key is
/// printed only after its create returned (i.e. was acknowledged as committed).
enum Stress {
    static func run(dir: String, sync: SQLiteStore.Synchronous, tasks: Int, perTask: Int) async {
        let store: SQLiteStore
        do {
            store = try await SQLiteStore.open(path: dir + "/state.db", options: .init(synchronous: sync))
        } catch {
            fail("\(error)")
        }
        emit("ready")
        await withTaskGroup(of: Void.self) { g in
            for t in 0..<tasks {
                g.addTask {
                    for i in 0..<perTask {
                        let key = "/stress/t\(t)/k\(i)"
                        do {
                            _ = try await store.create(key, value: Array(key.utf8), lease: 0)
                            emit(key)
                        } catch {
                            emit("error: \(key): \(error)")
                        }
                    }
                }
            }
        }
        emit("done")
        await store.close()
    }
}
