/// Calls `body` with every variant of `base` that has one edit: at each position, one of `inserts`
/// put in place of zero, one or two bytes (the exhaustive mutation the subset-scanner tests use).
func forEachSingleEdit(of base: [UInt8], inserts: [[UInt8]], _ body: ([UInt8]) -> Void) {
    for pos in 0...base.count {
        for insert in inserts {
            for dropCount in 0...2 where pos + dropCount <= base.count {
                body(Array(base[..<pos]) + insert + base[(pos + dropCount)...])
            }
        }
    }
}
