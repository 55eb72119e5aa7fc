/// Kubernetes' sign checks for quantities (`ValidateNonnegativeQuantity`, `ValidatePositiveQuantityValue`).
public enum QuantityValidation {
    /// `field: Invalid value: "-1Gi": must be greater than or equal to 0` when `quantity` is negative.
    public static func nonNegative(_ quantity: Quantity, _ field: FieldPath) -> [FieldError] {
        quantity.isNegative ? [.invalid(field, quantity.description, "must be greater than or equal to 0")] : []
    }

    /// `field: Invalid value: "0": must be greater than zero` when `quantity` is zero or negative.
    public static func positive(_ quantity: Quantity, _ field: FieldPath) -> [FieldError] {
        quantity.sign > 0 ? [] : [.invalid(field, quantity.description, "must be greater than zero")]
    }
}
