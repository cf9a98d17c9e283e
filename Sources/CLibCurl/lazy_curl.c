/* The libcurl functions helmctl calls, as trampolines into libcurl.so.4 loaded on first use. A function
 * missing here shows up as an undefined symbol when linking: add it with its exact prototype. */
#include "CLibCurl.h"

#include "CDynamicLoad.h"

static helmctl_lazy_library curl = HELMCTL_LAZY_LIBRARY_INIT("libcurl.so.4", "libcurl4");

HELMCTL_LAZY_FUNCTION(curl, CURLcode, curl_global_init, (long flags), (flags))
HELMCTL_LAZY_FUNCTION(curl, CURL *, curl_easy_init, (void), ())
HELMCTL_LAZY_FUNCTION(curl, CURLcode, curl_easy_perform, (CURL *h), (h))
HELMCTL_LAZY_VOID_FUNCTION(curl, curl_easy_reset, (CURL *h), (h))
HELMCTL_LAZY_VOID_FUNCTION(curl, curl_easy_cleanup, (CURL *h), (h))
HELMCTL_LAZY_FUNCTION(curl, const char *, curl_easy_strerror, (CURLcode code), (code))
HELMCTL_LAZY_FUNCTION(curl, struct curl_slist *, curl_slist_append, (struct curl_slist *list, const char *s),
                      (list, s))
HELMCTL_LAZY_VOID_FUNCTION(curl, curl_slist_free_all, (struct curl_slist *list), (list))
HELMCTL_LAZY_FUNCTION(curl, CURLM *, curl_multi_init, (void), ())
HELMCTL_LAZY_FUNCTION(curl, CURLMcode, curl_multi_cleanup, (CURLM *m), (m))
HELMCTL_LAZY_FUNCTION(curl, CURLMcode, curl_multi_add_handle, (CURLM *m, CURL *h), (m, h))
HELMCTL_LAZY_FUNCTION(curl, CURLMcode, curl_multi_remove_handle, (CURLM *m, CURL *h), (m, h))
HELMCTL_LAZY_FUNCTION(curl, CURLMcode, curl_multi_perform, (CURLM *m, int *running), (m, running))
HELMCTL_LAZY_FUNCTION(curl, CURLMcode, curl_multi_poll,
                      (CURLM *m, struct curl_waitfd extra[], unsigned int extra_count, int timeout_ms, int *ready),
                      (m, extra, extra_count, timeout_ms, ready))
HELMCTL_LAZY_FUNCTION(curl, CURLMsg *, curl_multi_info_read, (CURLM *m, int *queued), (m, queued))

/* The variadic entry points, called through pointers with one typed argument each. */
static void *variadic(const char *name, void **slot) {
    void *fn = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (!fn) {
        fn = helmctl_lazy_symbol(&curl, name);
        __atomic_store_n(slot, fn, __ATOMIC_RELEASE);
    }
    return fn;
}

typedef CURLcode (*setopt_fn)(CURL *, CURLoption, ...);
typedef CURLcode (*getinfo_fn)(CURL *, CURLINFO, ...);
typedef CURLMcode (*multi_setopt_fn)(CURLM *, CURLMoption, ...);
static void *setopt_slot, *getinfo_slot, *multi_setopt_slot;
#define SETOPT ((setopt_fn)variadic("curl_easy_setopt", &setopt_slot))
#define GETINFO ((getinfo_fn)variadic("curl_easy_getinfo", &getinfo_slot))

CURLcode curl_easy_setopt_long(CURL *h, CURLoption o, long v) { return SETOPT(h, o, v); }
CURLcode curl_easy_setopt_ptr(CURL *h, CURLoption o, const void *v) { return SETOPT(h, o, v); }
CURLcode curl_easy_setopt_str(CURL *h, CURLoption o, const char *v) { return SETOPT(h, o, v); }
CURLcode curl_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return SETOPT(h, o, v); }
CURLcode curl_easy_setopt_write(CURL *h, CURLoption o, clibcurl_write_cb v) { return SETOPT(h, o, v); }
CURLcode curl_easy_setopt_xferinfo(CURL *h, CURLoption o, clibcurl_xferinfo_cb v) { return SETOPT(h, o, v); }
CURLcode curl_easy_setopt_blob(CURL *h, CURLoption o, const void *data, size_t len) {
    struct curl_blob b;
    b.data = (void *)data;
    b.len = len;
    b.flags = CURL_BLOB_COPY;
    return SETOPT(h, o, &b);
}
CURLcode curl_easy_getinfo_long(CURL *h, CURLINFO i, long *out) { return GETINFO(h, i, out); }
CURLcode curl_easy_getinfo_str(CURL *h, CURLINFO i, char **out) { return GETINFO(h, i, out); }
CURLMcode curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) {
    return ((multi_setopt_fn)variadic("curl_multi_setopt", &multi_setopt_slot))(m, o, v);
}
