#ifndef CDYNAMICLOAD_H
#define CDYNAMICLOAD_H

/* Lazily loaded shared libraries.
 *
 * libcurl and libarchive pull in large dependency trees (gnutls, krb5, ldap, libxml2, ICU, ...) whose
 * loading and initialisers cost ~8.5 ms of every process start, although most helmctl commands use
 * neither. CLibCurl and CLibArchive therefore define the functions helmctl calls as trampolines that
 * load the library with dlopen on first use and jump to its symbol. */

/* One library: its soname, the Debian package providing it (for the error message) and the handle
 * once loaded. Define one per library with HELMCTL_LAZY_LIBRARY_INIT. */
typedef struct helmctl_lazy_library {
    const char *soname;
    const char *package;
    void *handle; /* accessed atomically */
    int preloading; /* set once a preload was started (atomically) */
} helmctl_lazy_library;

#define HELMCTL_LAZY_LIBRARY_INIT(soname, package) { soname, package, 0, 0 }

/* The address of `symbol` in `library`, loading the library first if needed. A library or symbol that
 * cannot be found ends the process with a message naming the package to install (exit code 127, as
 * the dynamic loader would have at start-up). */
void *helmctl_lazy_symbol(helmctl_lazy_library *library, const char *symbol);

/* Loads `library` on a new detached thread (the first call only), so that a command likely to need it finds it loaded
 * without waiting for it (the load runs beside the command's own start-up, on an otherwise idle core).
 * A failure is left for the first call to report. */
void helmctl_lazy_preload(helmctl_lazy_library *library);

/* Declares a cached trampoline `ret name params` calling `name` from `library` with `args`. */
#define HELMCTL_LAZY_FUNCTION(library, ret, name, params, args)                        \
    ret name params {                                                                 \
        static ret(*slot) params;                                                     \
        ret(*fn) params = __atomic_load_n(&slot, __ATOMIC_ACQUIRE);                   \
        if (!fn) {                                                                    \
            fn = (ret(*) params)helmctl_lazy_symbol(&library, #name);                 \
            __atomic_store_n(&slot, fn, __ATOMIC_RELEASE);                            \
        }                                                                             \
        return fn args;                                                               \
    }

#define HELMCTL_LAZY_VOID_FUNCTION(library, name, params, args)                       \
    void name params {                                                                \
        static void(*slot) params;                                                    \
        void(*fn) params = __atomic_load_n(&slot, __ATOMIC_ACQUIRE);                  \
        if (!fn) {                                                                    \
            fn = (void(*) params)helmctl_lazy_symbol(&library, #name);                \
            __atomic_store_n(&slot, fn, __ATOMIC_RELEASE);                            \
        }                                                                             \
        fn args;                                                                      \
    }

#endif
