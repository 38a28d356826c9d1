"""The gender a first name suggests (``Hillary``: female, ``Donald``: male).

A small hand-written table, no dependency: the given names most common among
the adults that English-language news quotes (the US Social Security
Administration's lists of popular baby names for births from the 1930s to the
1990s, and their usual short forms), plus common Spanish, French, Italian,
Slavic and Arabic given names that are as clearly gendered. A name is listed
only when nearly everybody who bears it is of one gender: names given to both
(Chris, Pat, Terry, Kelly, Jordan, Taylor, Lee, Lynn, Robin, Dana, Jamie,
Jean, Kim, Leslie, Tracy, Shannon, Marion, Jackie, Jesse, Lindsey, Morgan,
Sam, Andrea, Rand) are left out and stay unknown. The table is only a prior:
the pronouns an article uses about a person outweigh it
(:mod:`index.quotes.gender`).
"""

from __future__ import annotations

from typing import Final

from index.quotes.lexicon import Gender


def _names(text: str) -> frozenset[str]:
    return frozenset(text.lower().split())


FEMALE_NAMES: Final = _names(
    """mary patricia linda barbara elizabeth jennifer maria susan margaret dorothy lisa
    nancy karen betty helen sandra donna carol ruth sharon michelle laura sarah kimberly
    deborah jessica shirley cynthia angela melissa brenda amy anna rebecca virginia
    kathleen pamela martha debra amanda stephanie carolyn christine marie janet catherine
    frances ann joyce diane alice julie heather teresa doris gloria evelyn cheryl mildred
    katherine joan ashley judith rose janice nicole judy christina kathy theresa beverly
    denise tammy irene jane lori rachel marilyn kathryn louise sara anne jacqueline wanda
    bonnie julia ruby lois tina phyllis norma paula diana annie lillian emily peggy
    crystal gladys rita dawn connie florence edna tiffany carmen rosa cindy grace wendy
    victoria edith sherry sylvia josephine thelma sheila ethel ellen elaine marjorie
    carrie charlotte monica esther pauline emma juanita anita rhonda hazel amber eva
    debbie april clara lucille joanne eleanor valerie danielle megan alicia suzanne
    michele gail bertha darlene veronica jill erin geraldine lauren cathy joann lorraine
    sally regina erica beatrice dolores bernice audrey yvonne annette samantha stacy ana
    renee ida vivian roberta holly brittany melanie loretta yolanda jeanette laurie
    katie kristen vanessa alma sue elsie beth jeanne vicki carla tara rosemary eileen
    terri gertrude lucy tonya ella stacey wilma gina kristin natalie agnes vera charlene
    bessie delores melinda pearl arlene maureen colleen allison tamara joy georgia
    constance lillie claudia marcia tanya nellie minnie marlene heidi glenda lydia viola
    courtney marian stella caroline dora vickie mattie maxine irma mabel marsha myrtle
    lena christy deanna patsy hilda gwendolyn jennie nora margie nina cassandra leah
    penny kay priscilla naomi carole brandy olga dianne tracey leona jenny felicia sonia
    miriam velma becky violet kristina toni misty mae shelly daisy ramona sherri erika
    katrina claire hillary hilary madeleine madeline nikki chelsea carly megyn kayleigh
    kirsten maggie meghan kate katy abigail hannah olivia sophia isabella madison ava mia
    chloe brianna alexis kayla brooke paige molly jenna katelyn alexandra gabrielle
    jocelyn mariah margo lynne cecilia betsy patty sheryl greta elena sonya jeanine
    gretchen kristi jodi marianne janine rosalind lucia nadia fatima aisha mariam leila
    yasmin susana marta teresa isabel beatriz francesca giulia chiara sofia anastasia
    svetlana natalia tatiana irina elisabeth ingrid brigitte ursula angelika martine
    nathalie sylvie isabelle sophie christiane hope barb deb liz jen jenn jess meg mandy
    missy nan pam peg suzy trish ginny gwen marla ivana elise elisa eliza lara lana lynda
    rosie roxanne sheri tasha zoe krista kelli kellie callie dina deirdre dolly edie
    francine hattie iris janie joanna joni karin karla kara katharine laurel lorna
    lucinda mara maura meredith mona nell nicola noelle petra rhoda robyn rochelle sadie
    serena sheena simone sonja tess thea trudy yvette fiona gemma harriet huma melania
    ivanka kellyanne cecile melanne zeynep condoleezza ghazala dena gabby brigid bette
    luciana roseann jillian naureen omarosa amandla"""
)
"""Given names borne almost only by women."""

MALE_NAMES: Final = _names(
    """james john robert michael william david richard joseph thomas charles christopher
    daniel matthew anthony donald mark paul steven andrew kenneth joshua kevin brian
    george edward ronald timothy jason jeffrey ryan jacob gary nicholas eric jonathan
    stephen larry justin scott brandon benjamin samuel gregory frank alexander raymond
    patrick jack dennis jerry tyler aaron jose henry adam douglas nathan peter zachary
    kyle walter harold jeremy ethan carl keith roger gerald christian sean arthur austin
    noah lawrence joe bryan billy albert dylan bruce willie gabriel alan juan logan
    wayne ralph roy eugene randy vincent russell louis philip bobby johnny bradley howard
    fred martin craig stanley shawn travis glenn jeffery chad todd earl jimmy danny
    antonio luis mike dale curtis allen tony rodney barry bernard troy leonard mario
    steve jim tom bill bob ted ed dan ben jeb marco bernie mitt newt mitch barack harry
    chuck rick rudy rush jake hank ken jeff greg doug tim jon nick matt andy pete ron
    don herbert hugh ian ivan jared jay joel karl kurt lance leo marcus max neil
    nathaniel oliver oscar owen ray rex ross seth simon spencer stuart stewart trevor
    victor wesley xavier zach corey cory darrell darryl derek derrick devin dustin edwin
    elijah eli elliott ernest everett floyd franklin frederick glen gordon grant harvey
    herman isaac jerome jesus jimmie joey jonah julian julius kent lewis lloyd luke
    malcolm manuel marvin maurice melvin miguel milton mitchell morris norman perry
    phillip preston reginald ricardo ricky roberto roland ruben salvador sergio shane
    sidney theodore tommy vernon wade wallace clarence clifford omar ahmed mohammed
    muhammad mohamed ali hassan vladimir sergei dmitry boris viktor pierre jacques
    francois giuseppe giovanni carlos jorge pedro alejandro fernando rafael javier diego
    eduardo enrique hector raul ramon andres pablo josh al marc charlie phil dave trey
    geoff tad rob robby robbie mick mickey chet cliff clint dick rich randall scotty stan
    teddy vince walt wes zack alec anton antonin merrick gonzalo lamar darren dwight
    duncan elliot emmanuel ezra felix gavin gene gil guy hal jamal kareem kirk lou luther
    mel mort ned nate norm orrin otis reggie rocco rod russ sal saul sherrod sonny thad
    trent vic wendell zeke reince rahm brad colin abraham recep rupert federico
    mikhail rudolph sheldon marcel leon arturo eddie laquan trayvon fidel osama laurence
    evan dinesh syed nigel beau nidal lyndon sadiq geert freddy allan brett saddam nelson
    brendan woodrow khizr dylann"""
)
"""Given names borne almost only by men."""


def first_name_gender(name: str) -> Gender | None:
    """The gender a first name suggests, or None (a name given to both, or not listed)."""
    lowered = name.lower()
    if lowered in FEMALE_NAMES:
        return "female"
    if lowered in MALE_NAMES:
        return "male"
    return None
