package org.prov4ml.rundir;

import java.util.Map;

/**
 * One relation of a rank's PROV document, such as {@code wasGeneratedBy} (the entity {@code from} was generated
 * by the activity {@code to}) or {@code wasDerivedFrom} (the entity {@code from} derives from the entity
 * {@code to}): its kind and the two records it relates, the first (the subject, e.g. {@code prov:entity} of
 * {@code wasGeneratedBy}) and the second (its object), as PROV-JSON orders a relation's roles.
 *
 * @param kind the relation's PROV-JSON name: {@code wasGeneratedBy}, {@code used}, {@code wasDerivedFrom},
 *     {@code wasInformedBy}, {@code wasAssociatedWith}, ...
 * @param from the subject's id
 * @param to the object's id
 */
public record ProvRelation(String kind, String from, String to) {

  /** PROV-JSON's subject and object roles of each relation kind. */
  static final Map<String, String[]> ROLES = Map.ofEntries(
      Map.entry("wasGeneratedBy", new String[] {"prov:entity", "prov:activity"}),
      Map.entry("used", new String[] {"prov:activity", "prov:entity"}),
      Map.entry("wasInformedBy", new String[] {"prov:informed", "prov:informant"}),
      Map.entry("wasStartedBy", new String[] {"prov:activity", "prov:trigger"}),
      Map.entry("wasEndedBy", new String[] {"prov:activity", "prov:trigger"}),
      Map.entry("wasInvalidatedBy", new String[] {"prov:entity", "prov:activity"}),
      Map.entry("wasDerivedFrom", new String[] {"prov:generatedEntity", "prov:usedEntity"}),
      Map.entry("wasAttributedTo", new String[] {"prov:entity", "prov:agent"}),
      Map.entry("wasAssociatedWith", new String[] {"prov:activity", "prov:agent"}),
      Map.entry("actedOnBehalfOf", new String[] {"prov:delegate", "prov:responsible"}),
      Map.entry("wasInfluencedBy", new String[] {"prov:influencee", "prov:influencer"}),
      Map.entry("specializationOf", new String[] {"prov:specificEntity", "prov:generalEntity"}),
      Map.entry("alternateOf", new String[] {"prov:alternate1", "prov:alternate2"}),
      Map.entry("hadMember", new String[] {"prov:collection", "prov:entity"}));
}
