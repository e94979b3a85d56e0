"""The r2p ontology's terms as an rdflib DefinedNamespace, for the tests (the package mints
its IRIs from ``Settings.base_iri``: see :mod:`r2p_graph.vocab` and :mod:`r2p_graph.ids`).

Kept in step with ``ontology/r2p.ttl`` by ``tests/core/test_ontology.py``: a term added to
the ontology must be added here, and a misspelled term raises at attribute access.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class R2P(DefinedNamespace):
    """R2P statements ontology (https://w3id.org/r2p/def#)."""

    _fail = True
    _NS = Namespace("https://w3id.org/r2p/def#")

    # Classes
    Actor: URIRef
    AdHocGroup: URIRef
    Audit: URIRef
    CivilSocietyOrganization: URIRef
    FactCheck: URIRef
    FocalPointAppointment: URIRef
    GAResolution: URIRef
    Group: URIRef
    Meeting: URIRef
    MeetingClaim: URIRef
    MemberState: URIRef
    ObserverState: URIRef
    ParticipantTally: URIRef
    Participation: URIRef
    Person: URIRef
    Quote: URIRef
    RegionalGroup: URIRef
    RegionalOrganization: URIRef
    SecretaryGeneralReport: URIRef
    SecurityCouncilResolution: URIRef
    Situation: URIRef
    SourceDocument: URIRef
    StanceAssessment: URIRef
    State: URIRef
    Statement: URIRef
    UNDocument: URIRef
    UNEntity: URIRef

    # Properties
    addressesPillar: URIRef
    addressesTheme: URIRef
    affectedState: URIRef
    atMeeting: URIRef
    attributionText: URIRef
    capacity: URIRef
    checkedAgainst: URIRef
    checkedFact: URIRef
    citesDocument: URIRef
    claimAbout: URIRef
    claimKind: URIRef
    comparedWith: URIRef
    comparedWithYear: URIRef
    completenessRelativeTo: URIRef
    concernsSituation: URIRef
    convenedBy: URIRef
    countryCode: URIRef
    deliveredBy: URIRef
    discussesReport: URIRef
    documentSymbol: URIRef
    evidenceBasis: URIRef
    focalPointAnnouncedAt: URIRef
    focusPillar: URIRef
    gaSession: URIRef
    hadParticipant: URIRef
    hasFocalPoint: URIRef
    hasQuote: URIRef
    hasStance: URIRef
    hasTally: URIRef
    inMeeting: URIRef
    invokesR2P: URIRef
    labelCountDiffers: URIRef
    listCompleteness: URIRef
    listedParticipation: URIRef
    localCopy: URIRef
    m49Code: URIRef
    meetingType: URIRef
    mentionsCrime: URIRef
    mentionsSituation: URIRef
    moderatedBy: URIRef
    namesActor: URIRef
    onBehalfOf: URIRef
    onBehalfOfCount: URIRef
    openingSpeaker: URIRef
    ordinal: URIRef
    panelist: URIRef
    participant: URIRef
    participantKind: URIRef
    participationRole: URIRef
    quantifier: URIRef
    quotedFrom: URIRef
    quotedText: URIRef
    reportedCount: URIRef
    reportNumber: URIRef
    representing: URIRef
    resolutionNumber: URIRef
    saidBy: URIRef
    sampleSize: URIRef
    speaker: URIRef
    stanceTarget: URIRef
    stanceValue: URIRef
    theme: URIRef
    tookPartIn: URIRef
    unAdmissionDate: URIRef
    venue: URIRef
    verdict: URIRef
