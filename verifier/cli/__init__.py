"""The command line: `verifier analyze|batch|compare|challenge|tamper|models|doctor|app`."""
