package arm64

// The forms the synapse kernels (gen/rows, gen/scatter) add to the table.
// Each base was read off binutils (aarch64-linux-gnu-as, then objdump -d,
// on v0 in every field); TestForms checks them with the others.
func init() {
	// cmgt: d = n > m, signed, per 32-bit lane (all ones or zero): a
	// scatter's check that its indices increase.
	forms["cmgt"] = form{base: 0x4ea03400, arr: [3]string{"4s", "4s", "4s"}}
}
