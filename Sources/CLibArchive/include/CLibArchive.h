#ifndef CLIBARCHIVE_H
#define CLIBARCHIVE_H

/* libarchive's API for Swift. The library itself is loaded on first use (lazy_archive.c, CDynamicLoad). */
#include <archive.h>
#include <archive_entry.h>

#endif
