// A test that drives the real stack also uses the light helpers (TestClock, the twins, the
// conformance suites): importing GatehouseTestingStack brings both.
@_exported import GatehouseTesting
