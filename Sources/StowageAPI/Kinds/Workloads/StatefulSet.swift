/// A StatefulSet (apps/v1): pods `<set>-<ordinal>` with stable identities, each with its own claims made from
/// `volumeClaimTemplates` (`<template>-<set>-<ordinal>`), so a re-created pod finds the same data.
public struct StatefulSet: APIObject {
    public static let resource = APIResource(
        group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true,
        shortNames: ["sts"], categories: ["all"], hasStatusSubresource: true)

    /// StatefulSets also serve the `scale` subresource: `spec.replicas` is the desired scale and
    /// `status.replicas` the current one.
    public static let hasScaleSubresource = true

    public var metadata: ObjectMeta
    public var spec: StatefulSetSpec?
    public var status: StatefulSetStatus?

    public init(metadata: ObjectMeta, spec: StatefulSetSpec? = nil, status: StatefulSetStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// A set named `name` whose selector and pod labels are `labels`.
    public init(
        name: String, namespace: String = "default", replicas: Int32? = nil, serviceName: String? = nil,
        labels: [String: String], containers: [Container], volumeClaimTemplates: [PersistentVolumeClaim]? = nil
    ) {
        self.init(
            metadata: ObjectMeta(name: name, namespace: namespace),
            spec: StatefulSetSpec(
                replicas: replicas, selector: LabelSelector(matchLabels: labels),
                template: PodTemplateSpec(labels: labels, containers: containers),
                volumeClaimTemplates: volumeClaimTemplates, serviceName: serviceName))
    }

    public func specDiffers(from old: StatefulSet) -> Bool { spec != old.spec }

    public mutating func takeStatus(from other: StatefulSet) { status = other.status }

    /// The first ordinal (`spec.ordinals.start`, default 0).
    public var startOrdinal: Int32 { spec?.ordinals?.start ?? 0 }

    /// The ordinals the set should have: `[start, start + replicas)`.
    public var ordinals: Range<Int32> {
        let start = startOrdinal
        return start..<(start + max(0, spec?.replicas ?? 1))
    }

    /// The name of the pod with `ordinal`: `<set>-<ordinal>`.
    public func podName(ordinal: Int32) -> String { "\(metadata.name ?? "")-\(ordinal)" }

    /// The name of the claim made from `template` for `ordinal`: `<template>-<set>-<ordinal>`.
    public func claimName(template: String, ordinal: Int32) -> String { "\(template)-\(podName(ordinal: ordinal))" }
}
