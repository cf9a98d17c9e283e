/* The libarchive functions helmctl calls, as trampolines into libarchive.so.13 loaded on first use. A
 * function missing here shows up as an undefined symbol when linking: add it with its exact prototype. */
#include "CLibArchive.h"

#include "CDynamicLoad.h"

static helmctl_lazy_library archive = HELMCTL_LAZY_LIBRARY_INIT("libarchive.so.13", "libarchive13");

#define A(ret, name, params, args) HELMCTL_LAZY_FUNCTION(archive, ret, name, params, args)
#define V(name, params, args) HELMCTL_LAZY_VOID_FUNCTION(archive, name, params, args)
typedef struct archive_entry entry;

/* Reading */
A(struct archive *, archive_read_new, (void), ())
A(int, archive_read_free, (struct archive *a), (a))
A(int, archive_read_support_filter_all, (struct archive *a), (a))
A(int, archive_read_support_filter_gzip, (struct archive *a), (a))
A(int, archive_read_support_format_tar, (struct archive *a), (a))
A(int, archive_read_support_format_raw, (struct archive *a), (a))
A(int, archive_read_support_format_empty, (struct archive *a), (a))
A(int, archive_read_open_filename, (struct archive *a, const char *path, size_t block), (a, path, block))
A(int, archive_read_open_memory, (struct archive *a, const void *buffer, size_t size), (a, buffer, size))
A(int, archive_read_next_header, (struct archive *a, entry **e), (a, e))
A(la_ssize_t, archive_read_data, (struct archive *a, void *buffer, size_t size), (a, buffer, size))
A(la_int64_t, archive_filter_bytes, (struct archive *a, int n), (a, n))
A(const char *, archive_error_string, (struct archive *a), (a))

/* Writing */
A(struct archive *, archive_write_new, (void), ())
A(int, archive_write_free, (struct archive *a), (a))
A(int, archive_write_close, (struct archive *a), (a))
A(int, archive_write_add_filter_gzip, (struct archive *a), (a))
A(int, archive_write_set_format_pax_restricted, (struct archive *a), (a))
A(int, archive_write_set_format_raw, (struct archive *a), (a))
A(int, archive_write_open_memory, (struct archive *a, void *buffer, size_t size, size_t *used),
  (a, buffer, size, used))
A(int, archive_write_header, (struct archive *a, entry *e), (a, e))
A(la_ssize_t, archive_write_data, (struct archive *a, const void *data, size_t size), (a, data, size))

/* Entries */
A(entry *, archive_entry_new, (void), ())
V(archive_entry_free, (entry *e), (e))
A(__LA_MODE_T, archive_entry_filetype, (entry *e), (e))
A(__LA_MODE_T, archive_entry_mode, (entry *e), (e))
A(la_int64_t, archive_entry_uid, (entry *e), (e))
A(la_int64_t, archive_entry_gid, (entry *e), (e))
A(time_t, archive_entry_mtime, (entry *e), (e))
A(long, archive_entry_mtime_nsec, (entry *e), (e))
A(la_int64_t, archive_entry_size, (entry *e), (e))
A(int, archive_entry_size_is_set, (entry *e), (e))
A(const char *, archive_entry_pathname, (entry *e), (e))
A(const char *, archive_entry_pathname_utf8, (entry *e), (e))
A(const char *, archive_entry_hardlink, (entry *e), (e))
A(const char *, archive_entry_hardlink_utf8, (entry *e), (e))
A(const char *, archive_entry_symlink, (entry *e), (e))
A(const char *, archive_entry_symlink_utf8, (entry *e), (e))
V(archive_entry_set_filetype, (entry *e, unsigned int type), (e, type))
V(archive_entry_set_perm, (entry *e, __LA_MODE_T mode), (e, mode))
V(archive_entry_set_rdev, (entry *e, dev_t dev), (e, dev))
V(archive_entry_set_size, (entry *e, la_int64_t size), (e, size))
V(archive_entry_set_mtime, (entry *e, time_t seconds, long nanoseconds), (e, seconds, nanoseconds))
V(archive_entry_set_pathname, (entry *e, const char *path), (e, path))
V(archive_entry_set_symlink, (entry *e, const char *path), (e, path))
V(archive_entry_set_hardlink, (entry *e, const char *path), (e, path))
