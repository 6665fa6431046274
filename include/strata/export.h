/* export.h - symbol visibility and attribute macros for Strata's public API. */
#ifndef STRATA_EXPORT_H
#define STRATA_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define STRATA_EXTERN             __attribute__((visibility("default")))
#define STRATA_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#else
#define STRATA_EXTERN
#define STRATA_WARN_UNUSED_RESULT
#endif

#endif /* STRATA_EXPORT_H */
