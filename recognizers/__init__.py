"""Built-in recognizers, one per module; found by reflection (see dataguard.detect.registry)."""
