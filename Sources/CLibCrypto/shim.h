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

/* Macros and variadic helpers Swift cannot call directly. */
static inline long helmctl_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
static inline void helmctl_OPENSSL_free(void *p) { OPENSSL_free(p); }
static inline void helmctl_X509V3_set_ctx_nodb(X509V3_CTX *ctx) { X509V3_set_ctx_nodb(ctx); }
static inline GENERAL_NAMES *helmctl_general_names_new(void) { return sk_GENERAL_NAME_new_null(); }
static inline int helmctl_general_names_push(GENERAL_NAMES *s, GENERAL_NAME *n) { return sk_GENERAL_NAME_push(s, n); }
static inline void helmctl_general_names_free(GENERAL_NAMES *s) { sk_GENERAL_NAME_pop_free(s, GENERAL_NAME_free); }
