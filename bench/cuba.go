package main

// CUBAResult is the CUBA network's run.
type CUBAResult struct{}

func runCUBA(o options) *CUBAResult { return nil }
