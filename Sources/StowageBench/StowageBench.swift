/// Benchmark harnesses behind `stowage bench ...`: each measures one figure the README reports and prints it.
/// Kept out of the production modules so that nothing ships timing code.
public enum StowageBench {}
