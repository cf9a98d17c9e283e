import CLibCrypto

/// libcrypto, which the digest, certificate and key functions call, is loaded on first use (CLibCrypto).
public enum CryptoLibrary {
    /// Starts loading libcrypto on a background thread, once. The parser calls this when a template
    /// calls a function that needs it (most charts call `sha256sum` for checksum annotations): the
    /// ~1 ms load then overlaps the rest of the parse instead of stalling the first call, and charts
    /// that need no digest never load it.
    public static func preload() { helmctl_crypto_preload() }
}
