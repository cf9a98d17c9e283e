#ifndef CLIBCURL_H
#define CLIBCURL_H

/* libcurl's API for Swift. The library itself is loaded on first use (lazy_curl.c, CDynamicLoad). */
#include <curl/curl.h>

/* curl_easy_setopt/curl_easy_getinfo/curl_multi_setopt are C variadics, which Swift cannot call:
 * typed wrappers. */
CURLcode curl_easy_setopt_long(CURL *h, CURLoption o, long v);
CURLcode curl_easy_setopt_ptr(CURL *h, CURLoption o, const void *v);
CURLcode curl_easy_setopt_str(CURL *h, CURLoption o, const char *v);
CURLcode curl_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v);
typedef size_t (*clibcurl_write_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
CURLcode curl_easy_setopt_write(CURL *h, CURLoption o, clibcurl_write_cb v);
typedef int (*clibcurl_xferinfo_cb)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                                    curl_off_t ulnow);
CURLcode curl_easy_setopt_xferinfo(CURL *h, CURLoption o, clibcurl_xferinfo_cb v);
/* In-memory PEM for CURLOPT_SSLCERT_BLOB/SSLKEY_BLOB/CAINFO_BLOB (libcurl >= 7.77); curl copies the bytes. */
CURLcode curl_easy_setopt_blob(CURL *h, CURLoption o, const void *data, size_t len);
CURLcode curl_easy_getinfo_long(CURL *h, CURLINFO i, long *out);
CURLcode curl_easy_getinfo_str(CURL *h, CURLINFO i, char **out);
/* KubeClient: connection limits of its request pool. */
CURLMcode curl_multi_setopt_long(CURLM *m, CURLMoption o, long v);

#endif
