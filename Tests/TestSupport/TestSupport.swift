/// Shared helpers for helmctl's test targets.
public enum TestSupport {}
