#include <zlib.h>

/* deflateInit2 is a macro over deflateInit2_; Swift cannot import function-like macros. */
static inline int czlib_deflate_init2(z_streamp s, int level, int method, int windowBits, int memLevel, int strategy) {
    return deflateInit2(s, level, method, windowBits, memLevel, strategy);
}
