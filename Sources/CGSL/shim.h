#ifndef SCALEBENCH_CGSL_SHIM_H
#define SCALEBENCH_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_sf_psi.h>

// Globals Swift 6 sees as shared mutable state, read through functions instead.
static inline const gsl_rng_type *scalebench_gsl_mt19937(void) { return gsl_rng_mt19937; }
static inline const gsl_rng_type *scalebench_gsl_taus2(void) { return gsl_rng_taus2; }
static inline const char *scalebench_gsl_version(void) { return gsl_version; }

#endif
