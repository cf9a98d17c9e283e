/// # RepoServer
///
/// The HTTP chart repository server behind `helmctl serve`: Helm v2's `helm serve` (an `index.yaml`
/// plus the archives of one directory) with ChartMuseum's upload API and content types.
///
/// Place in the module graph: `helmctl` → **RepoServer** → ChartEngine (archive loading and the
/// `repo index` code, reused as is) → Templating/StructuredData. Only this module depends on SwiftNIO
/// (NIOCore, NIOPosix, NIOHTTP1) and swift-service-lifecycle, so the chart engine stays free of them.
///
/// Layout: ``RepoHTTPServer`` (bind, poll, drain), ``RepoServerService`` (the lifecycle `Service`),
/// `RepoState`/`RepoSnapshot` (scan + index, swapped atomically), `RepoHTTPHandler` (routing and
/// responses), `RequestPath` and `DirectoryScanner` (what may be served), `ChartUpload`/`Multipart`
/// (`POST /api/charts`), `Conditional`, `Gzip`, `HTTPDate`, `AccessLog`, `FileStore` (cache, streaming).
public enum RepoServerModule {}
