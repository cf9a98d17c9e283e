import CLibCrypto

/// libcrypto, which the digest, certificate and key functions call, is loaded on first use (CLibCrypto).
public enum CryptoLibrary {
    /// Starts loading libcrypto on a background thread. Commands that render templates call this at
    /// start: most charts call `sha256sum` (checksum annotations), and the ~1 ms load then overlaps
    /// the command's own start-up instead of stalling the first render that needs it.
    public static func preload() { helmctl_crypto_preload() }
}
