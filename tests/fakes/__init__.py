"""Local fakes of outside services (loopback only), shared by every test layer."""
