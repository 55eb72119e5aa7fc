// Defaults as Kubernetes fills them (pkg/apis/core/v1/defaults.go and the pod registry strategy).

extension PodSpec {
    /// Fills Kubernetes' pod spec defaults: restartPolicy Always, terminationGracePeriodSeconds 30 (a negative
    /// value becomes 1, as the pod strategy does), dnsPolicy ClusterFirst, schedulerName default-scheduler, an
    /// empty securityContext, and the defaults of every container and volume.
    public mutating func applyDefaults() {
        if restartPolicy == nil || restartPolicy == "" { restartPolicy = RestartPolicy.always }
        if terminationGracePeriodSeconds == nil {
            terminationGracePeriodSeconds = 30
        } else if let grace = terminationGracePeriodSeconds, grace < 0 {
            terminationGracePeriodSeconds = 1
        }
        if dnsPolicy == nil || dnsPolicy == "" { dnsPolicy = DNSPolicy.clusterFirst }
        if schedulerName == nil || schedulerName == "" { schedulerName = PodSpec.defaultSchedulerName }
        if securityContext == nil { securityContext = PodSecurityContext() }
        if let list = containers { containers = list.map { $0.withDefaults() } }
        if let list = initContainers { initContainers = list.map { $0.withDefaults() } }
        if let list = volumes { volumes = list.map { $0.withDefaults() } }
    }
}

extension Container {
    /// Fills Kubernetes' container defaults: imagePullPolicy (Always for an untagged or `:latest` image,
    /// IfNotPresent otherwise), port protocol TCP, requests copied from limits when unset, probe timings.
    public mutating func applyDefaults() {
        if imagePullPolicy == nil || imagePullPolicy == "", let image, !image.isEmpty {
            imagePullPolicy = Container.defaultPullPolicy(image: image)
        }
        if let list = ports {
            ports = list.map { port in
                var port = port
                if port.protocol == nil || port.protocol == "" { port.protocol = "TCP" }
                return port
            }
        }
        if let limits = resources?.limits, !limits.isEmpty {
            var requests = resources?.requests ?? [:]
            for (name, quantity) in limits where requests[name] == nil { requests[name] = quantity }
            resources?.requests = requests
        }
        livenessProbe?.applyDefaults()
        readinessProbe?.applyDefaults()
        startupProbe?.applyDefaults()
    }

    func withDefaults() -> Container {
        var copy = self
        copy.applyDefaults()
        return copy
    }

    /// Kubernetes' default pull policy for `image`: `Always` when the image has no tag or the tag `latest`
    /// (and no digest), `IfNotPresent` otherwise.
    public static func defaultPullPolicy(image: String) -> String {
        if image.contains("@") { return PullPolicy.ifNotPresent }
        let lastComponent = image.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? image
        guard let colon = lastComponent.lastIndex(of: ":") else { return PullPolicy.always }
        let tag = lastComponent[lastComponent.index(after: colon)...]
        return tag == "latest" ? PullPolicy.always : PullPolicy.ifNotPresent
    }
}

extension Volume {
    /// Fills Kubernetes' volume source defaults: hostPath type `""`; an ephemeral claim's volumeMode Filesystem.
    public mutating func applyDefaults() {
        if hostPath != nil, hostPath?.type == nil { hostPath?.type = HostPathType.unset }
        if ephemeral?.volumeClaimTemplate?.spec != nil, ephemeral?.volumeClaimTemplate?.spec?.volumeMode == nil {
            ephemeral?.volumeClaimTemplate?.spec?.volumeMode = "Filesystem"
        }
    }

    func withDefaults() -> Volume {
        var copy = self
        copy.applyDefaults()
        return copy
    }
}
