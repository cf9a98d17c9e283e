#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The directory walk's fast file access for `helm package`: one `open`/`fstat`/`read` per file
/// instead of three `stat`s, a 64 KiB scratch buffer and a growing copy. Whenever anything is out of
/// the ordinary (not a regular file, too large, unreadable, changed while read), the callers fall back
/// to ``FileSystem``'s calls, so errors and their wording stay exactly those of the loader.
enum SourceFileReading {
    /// A directory opened for ``readRegular(_:name:in:maxSize:)`` (nil when it cannot be opened: the
    /// full paths are used then).
    static func openDirectory(_ path: String) -> Int32? {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        return fd >= 0 ? fd : nil
    }

    /// The contents and modification time of the regular file at `path` (or `name` inside the open
    /// directory `directory`, sparing the kernel the lookup of every parent) when it is at most
    /// `maxSize` bytes and reads cleanly; nil otherwise (the caller then takes the slow path).
    static func readRegular(_ path: String, name: String? = nil, in directory: Int32? = nil, maxSize: Int)
        -> (data: [UInt8], modTime: FileTime)?
    {
        // O_NONBLOCK: opening a FIFO (or a device) must not wait for a writer; fstat then turns it
        // away. Reads of a regular file ignore the flag.
        let fd: Int32
        if let directory, let name {
            fd = openat(directory, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_size >= 0, Int(st.st_size) <= maxSize
        else { return nil }
        let size = Int(st.st_size)
        // One spare byte: a read that fills it means the file grew since fstat.
        var failed = false
        let data = [UInt8](unsafeUninitializedCapacity: size + 1) { buf, count in
            var total = 0
            while total < size + 1 {
                let want = size + 1 - total
                let n = read(fd, buf.baseAddress.map { $0 + total }, want)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    break
                }
                total += n
                // A regular file returns less than asked only at its end: no extra read to see it.
                if n < want { break }
            }
            count = total
        }
        guard !failed, data.count <= size else { return nil }
        return (data, FileTime(seconds: Int64(st.st_mtim.tv_sec), nanoseconds: Int32(st.st_mtim.tv_nsec)))
    }
}
