/* The SHA*_Init/Update/Final functions are deprecated in OpenSSL 3 but are the direct implementations:
 * EVP_Digest, the one-shot SHA256() and RAND_bytes first load OpenSSL's provider machinery, which costs
 * ~2 ms per process (helmctl template runs a digest in most charts). */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/hmac.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/rsa.h>
#include <openssl/ec.h>
#include <openssl/dsa.h>
#include <crypt.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/random.h>

/* libcrypto itself is loaded on first use (lazy_crypto.c, CDynamicLoad). Starts loading it on a
 * background thread, once: the template parser calls this on meeting a function that needs it. */
void helmctl_crypto_preload(void);

/* Macros and variadic helpers Swift cannot call directly. */
static inline long helmctl_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
static inline void helmctl_OPENSSL_free(void *p) { OPENSSL_free(p); }
static inline void helmctl_X509V3_set_ctx_nodb(X509V3_CTX *ctx) { X509V3_set_ctx_nodb(ctx); }
static inline GENERAL_NAMES *helmctl_general_names_new(void) { return sk_GENERAL_NAME_new_null(); }
static inline int helmctl_general_names_push(GENERAL_NAMES *s, GENERAL_NAME *n) { return sk_GENERAL_NAME_push(s, n); }
static inline void helmctl_general_names_free(GENERAL_NAMES *s) { sk_GENERAL_NAME_pop_free(s, GENERAL_NAME_free); }

/* Digests without OpenSSL's provider start-up (see the top of this file). `out` holds the digest size. */
static inline void helmctl_sha1(const void *data, size_t count, unsigned char *out) {
    SHA_CTX c; SHA1_Init(&c); SHA1_Update(&c, data, count); SHA1_Final(out, &c);
}
static inline void helmctl_sha256(const void *data, size_t count, unsigned char *out) {
    SHA256_CTX c; SHA256_Init(&c); SHA256_Update(&c, data, count); SHA256_Final(out, &c);
}
static inline void helmctl_sha512(const void *data, size_t count, unsigned char *out) {
    SHA512_CTX c; SHA512_Init(&c); SHA512_Update(&c, data, count); SHA512_Final(out, &c);
}

/* Bytes from the kernel's CSPRNG (what RAND_bytes seeds from), without OpenSSL's DRBG start-up.
 * Returns 1 on success, 0 on failure. */
static inline int helmctl_random_bytes(void *buffer, size_t count) {
    unsigned char *p = (unsigned char *)buffer;
    while (count > 0) {
        ssize_t n = getrandom(p, count, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return 0;
        }
        p += n;
        count -= (size_t)n;
    }
    return 1;
}
