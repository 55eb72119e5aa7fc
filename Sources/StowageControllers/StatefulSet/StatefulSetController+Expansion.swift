import StowageAPI
import StowageClient

/// Beyond Kubernetes (#68737): a claim template whose storage request was raised expands the set's existing claims.
extension StatefulSetController {
    /// Raises the storage request of each existing claim of `ordinals` that asks for less than its template now
    /// does. The expander then grows the volume (and, mounted, its filesystem) when the class allows expansion;
    /// a claim the API refuses to grow (a class without `allowVolumeExpansion`) gets a warning event on the set
    /// and is left as it is.
    func expandClaims(of set: StatefulSet, ordinals: [Int32]) async throws {
        let namespace = set.metadata.namespace ?? "default"
        let setName = set.metadata.name ?? ""
        for template in set.spec?.volumeClaimTemplates ?? [] {
            guard let templateName = template.metadata.name,
                  let wanted = template.spec?.resources?.requests?["storage"] else { continue }
            for ordinal in ordinals {
                let claimName = set.claimName(template: templateName, ordinal: ordinal)
                guard var claim = informers.claims.get(ObjectKey(namespace: namespace, name: claimName)),
                      !claim.metadata.isBeingDeleted,
                      let requested = claim.spec?.resources?.requests?["storage"], requested < wanted else { continue }
                claim.spec?.resources?.requests?["storage"] = wanted
                do {
                    _ = try await cluster.update(claim)
                    events.normal(set, reason: "SuccessfulUpdate",
                                  "update Claim \(claimName) in StatefulSet \(setName) success: storage request raised from \(requested) to \(wanted)")
                } catch let error as APIError where error.reason == .conflict {
                    continue  // the claim changed meanwhile; its update event brings us back
                } catch let error as APIError {
                    events.warning(set, reason: "FailedUpdate",
                                   "update Claim \(claimName) in StatefulSet \(setName) failed error: \(error.message)")
                }
            }
        }
    }
}
