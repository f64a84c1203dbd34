"""The sentences of the generated speech sets, in two lists that never share a sentence.

``DEV_*`` are for tuning: thresholds in localvt are chosen by looking at how these come
out. ``EVAL_*`` are for measuring only: nothing is ever adjusted by looking at their
results (nor at LibriVox's). Each set has the repetition people use on purpose, which an
interpreter must keep word for word: anaphora, lists, a repeated name or number, "no, no,
no", a sentence said twice; and sentences with rare names and terms of art, to measure
what a vocabulary does for them.

A sentence is spoken as written; its words (normalised, numbers as words) are the
reference. Terms sentences name their terms, which make up that set's vocabulary.
"""

from __future__ import annotations

DEV_REPETITION = (
    "We will not give up, we will not give in, and we will not go back.",
    "Wait, wait, wait, let me finish what I was saying.",
    "I said yes, I meant yes, and I still mean yes.",
    "The code is four four seven, four four seven.",
    "Please call Robert. Robert knows the answer, so ask Robert first.",
    "Close the door. Close the door.",
    "We need apples, pears, apples again, and more pears.",
    "Every day we train, every day we improve, every day we learn.",
    "Stop, stop, stop, that is enough.",
    "It is not about the money, it is about the people.",
    "Room twelve, I repeat, room twelve.",
    "Maybe tomorrow, maybe next week, maybe never.",
    "She said thank you, thank you so much for coming.",
    "Go left, then left again, then left once more.",
    "Listen to me. Listen to me carefully.",
    "The first rule is safety, the second rule is safety, and the third rule is safety.",
    "Yes, yes, of course I will help.",
    "Anna called, then Anna wrote, and then Anna came in person.",
    "Nineteen ninety nine was a good year, a very good year.",
    "We tried and we tried and we tried again.",
)

EVAL_REPETITION = (
    "We shall fight on the beaches, we shall fight on the landing grounds.",
    "No, no, no, that is not what I meant.",
    "I have a dream that one day this nation will rise up. I have a dream today.",
    "The meeting is at three o'clock. The meeting is at three o'clock.",
    "Send it to David. David will check it, and David will sign it.",
    "We need milk, eggs, bread, milk again, and butter.",
    "Never, never, never give up.",
    "The number is five five five, one two one two.",
    "Again and again and again we asked for help.",
    "Thank you, thank you, thank you all for being here.",
    "It was the best of times, it was the worst of times.",
    "Please listen. Please listen to what they are saying.",
    "Come in, come in, sit down.",
    "Our goal is simple: more care, more care for every patient.",
    "Maria said hello, Maria said goodbye, and Maria left.",
    "Sorry, sorry, I did not see you there.",
    "Check the figures, check them twice, then check them again.",
    "Flight two four one is delayed. Flight two four one is delayed.",
    "The answer is no. The answer is still no.",
    "Slowly, slowly, we are getting there.",
    "Red, green, blue, red, green, blue, the pattern repeats.",
    "Ask not what your country can do for you, ask what you can do for your country.",
    "Hurry up, hurry up, the train is leaving.",
    "Forty two people came, forty two people stayed.",
    "I know, I know, you told me already.",
    "We came, we saw, we conquered.",
    "Peter, Peter, where are you going?",
    "Look at the data, look at the evidence, look at the results.",
    "This is important, really important.",
    "Keep going, keep going, you are almost done.",
    "The price went up, and up, and up.",
    "Turn right. Turn right at the next corner.",
    "One more time, just one more time.",
    "Step one is to plan, step two is to plan again.",
    "Doctor Lee will see you now. Doctor Lee is ready.",
    "Well, well, well, look who is here.",
    "My address is ten Oak Street, ten Oak Street.",
    "It is late, it is very late, and we are tired.",
    "Help me, please help me carry this.",
    "All of us, every one of us, must do our part.",
    "Again, the results were good, again and again.",
    "Not today, not tomorrow, not ever.",
    "Here it is, here it is at last.",
    "Bye, bye, see you next week.",
)

# (sentence, the terms in it)
DEV_TERMS = (
    ("The patient was given methotrexate and folic acid.", ("methotrexate",)),
    ("Kubernetes schedules the pods across the nodes.", ("Kubernetes",)),
    ("Siobhan Kowalczyk will chair the session.", ("Siobhan Kowalczyk",)),
    ("We measured the eigenvalues of the Hessian.", ("eigenvalues", "Hessian")),
    ("The flight leaves from Reykjavik at noon.", ("Reykjavik",)),
    ("Our guest today is Dr. Nguyen from Wrocław.", ("Nguyen", "Wrocław")),
    ("Add a little turmeric and fenugreek.", ("turmeric", "fenugreek")),
    ("The ruling cites habeas corpus.", ("habeas corpus",)),
)

EVAL_TERMS = (
    ("Please welcome Aoife Ní Fhloinn to the stage.", ("Aoife Ní Fhloinn",)),
    ("The drug of choice is amoxicillin with clavulanate.", ("amoxicillin", "clavulanate")),
    ("We deploy the service with Terraform and Ansible.", ("Terraform", "Ansible")),
    ("Xochitl Quispe joined the team in March.", ("Xochitl Quispe",)),
    ("The scan showed a small pneumothorax.", ("pneumothorax",)),
    ("The contract includes an indemnification clause.", ("indemnification",)),
    ("Our office in Szczecin opens on Monday.", ("Szczecin",)),
    ("The enzyme is called acetylcholinesterase.", ("acetylcholinesterase",)),
    ("Ask Bartholomew Okonkwo about the budget.", ("Bartholomew Okonkwo",)),
    ("The model uses a Kalman filter.", ("Kalman filter",)),
    ("She works at Rijksmuseum in Amsterdam.", ("Rijksmuseum",)),
    ("The child has mild thrombocytopenia.", ("thrombocytopenia",)),
    ("Cache the results in Memcached.", ("Memcached",)),
    ("Ingrid Sæther will present the findings.", ("Ingrid Sæther",)),
    ("The bridge crosses the Dnipro river.", ("Dnipro",)),
    ("Give the patient ondansetron for nausea.", ("ondansetron",)),
    ("We met Tadeusz Wiśniewski in Kraków.", ("Tadeusz Wiśniewski", "Kraków")),
    ("The code is written in Haskell and Elixir.", ("Haskell", "Elixir")),
    ("The firm filed for Chapter Eleven.", ("Chapter Eleven",)),
    ("Ms. Oyelaran will call you back.", ("Oyelaran",)),
    ("The ship docked at Tromsø this morning.", ("Tromsø",)),
    ("The lab sequenced the mitochondrial genome.", ("mitochondrial",)),
    ("Our partner is Zhangjiagang Logistics.", ("Zhangjiagang",)),
    ("Apply the Heimlich manoeuvre at once.", ("Heimlich",)),
)
