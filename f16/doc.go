// Package f16 converts between IEEE binary16 ([float16.Float16] of
// github.com/x448/float16) and float32 in bulk, bit for bit as x448 converts
// one value.
package f16

import "github.com/x448/float16"

var _ float16.Float16
