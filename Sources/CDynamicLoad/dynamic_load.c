#include "CDynamicLoad.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(const helmctl_lazy_library *library, const char *what, const char *detail) {
    fprintf(stderr,
            "Error: cannot load %s (%s)\n"
            "This command needs the shared library %s; install it with: apt-get install %s\n",
            what, detail ? detail : "unknown error", library->soname, library->package);
    fflush(stderr);
    _exit(127);
}

/* The library's handle, loading it first if needed; NULL (with dlerror() set) if it cannot be loaded. */
static void *load(helmctl_lazy_library *library) {
    void *handle = __atomic_load_n(&library->handle, __ATOMIC_ACQUIRE);
    if (!handle) {
        pthread_mutex_lock(&load_lock);
        handle = __atomic_load_n(&library->handle, __ATOMIC_ACQUIRE);
        if (!handle) {
            /* RTLD_LOCAL: the library's symbols stay out of the global scope, so they never
             * compete with the trampolines that carry the same names. */
            handle = dlopen(library->soname, RTLD_NOW | RTLD_LOCAL);
            if (handle) __atomic_store_n(&library->handle, handle, __ATOMIC_RELEASE);
        }
        pthread_mutex_unlock(&load_lock);
    }
    return handle;
}

void *helmctl_lazy_symbol(helmctl_lazy_library *library, const char *symbol) {
    void *handle = load(library);
    if (!handle) fail(library, library->soname, dlerror());
    void *address = dlsym(handle, symbol);
    if (!address) fail(library, symbol, dlerror());
    return address;
}

static void *preload_thread(void *library) {
    (void)load((helmctl_lazy_library *)library);
    return 0;
}

void helmctl_lazy_preload(helmctl_lazy_library *library) {
    if (__atomic_load_n(&library->handle, __ATOMIC_ACQUIRE)) return;
    if (__atomic_exchange_n(&library->preloading, 1, __ATOMIC_ACQ_REL)) return;
    pthread_attr_t attributes;
    if (pthread_attr_init(&attributes) != 0) return;
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attributes, 256 * 1024);
    pthread_t thread;
    (void)pthread_create(&thread, &attributes, preload_thread, library);
    pthread_attr_destroy(&attributes);
}
