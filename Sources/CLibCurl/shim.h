#include <curl/curl.h>
/* curl_easy_setopt/curl_easy_getinfo are C variadics, which Swift cannot call: typed wrappers. */
static inline CURLcode curl_easy_setopt_long(CURL *h, CURLoption o, long v)        { return curl_easy_setopt(h, o, v); }
static inline CURLcode curl_easy_setopt_ptr (CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode curl_easy_setopt_str (CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode curl_easy_setopt_off (CURL *h, CURLoption o, curl_off_t v)  { return curl_easy_setopt(h, o, v); }
typedef size_t (*clibcurl_write_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode curl_easy_setopt_write(CURL *h, CURLoption o, clibcurl_write_cb v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode curl_easy_getinfo_long(CURL *h, CURLINFO i, long *out)   { return curl_easy_getinfo(h, i, out); }
static inline CURLcode curl_easy_getinfo_str (CURL *h, CURLINFO i, char **out)  { return curl_easy_getinfo(h, i, out); }
typedef int (*clibcurl_xferinfo_cb)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode curl_easy_setopt_xferinfo(CURL *h, CURLoption o, clibcurl_xferinfo_cb v) { return curl_easy_setopt(h, o, v); }
/* In-memory PEM for CURLOPT_SSLCERT_BLOB/SSLKEY_BLOB/CAINFO_BLOB (libcurl >= 7.77); curl copies the bytes. */
static inline CURLcode curl_easy_setopt_blob(CURL *h, CURLoption o, const void *data, size_t len) {
    struct curl_blob b; b.data = (void *)data; b.len = len; b.flags = CURL_BLOB_COPY;
    return curl_easy_setopt(h, o, &b);
}
/* curl_multi_setopt is variadic too (KubeClient: connection limits of its request pool). */
static inline CURLMcode curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
